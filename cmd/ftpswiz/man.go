package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// manOptions are the flags of `ftpswiz man`.
type manOptions struct {
	root *rootOptions
	Dir  string
}

func newManCmd(root *rootOptions) *cobra.Command {
	opts := &manOptions{root: root}
	cmd := &cobra.Command{
		Use:   "man [COMMAND...] [--dir DIR]",
		Short: "Print the manual page (roff) of ftpswiz or of one command, or write them all",
		Long: `Man prints a manual page generated from ftpswiz's own help, in roff for man(1):
ftpswiz(1) without COMMAND, ftpswiz-generate(1) for "ftpswiz man generate".

With --dir DIR it writes the pages of every command into DIR instead
(ftpswiz.1, ftpswiz-generate.1, ...) and lists their paths on standard output;
the packages install them into /usr/share/man/man1.

The date in the page header is SOURCE_DATE_EPOCH when set (reproducible
builds), else today.

` + exitStatusHelp,
		Example: `  ftpswiz man | man -l -
  ftpswiz man generate | man -l -
  ftpswiz man --dir /usr/local/share/man/man1`,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMan(cmd, opts, args)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "write every page into this directory")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}

// manHeader is the header every page gets.
func manHeader(ro *rootOptions) (manHeaderInfo, error) {
	var now time.Time
	if ro.Now != nil {
		now = ro.Now()
	} else {
		now = time.Now()
	}
	if ro.Getenv != nil {
		if epoch := ro.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
			n, err := strconv.ParseInt(epoch, 10, 64)
			if err != nil || n < 0 || n > 1<<40 {
				return manHeaderInfo{}, usageErrorf("SOURCE_DATE_EPOCH=%q is not a Unix time in seconds: unset it or give e.g. $(git log -1 --format=%%ct)", epoch)
			}
			now = time.Unix(n, 0)
		}
	}
	now = now.UTC()
	source := "ftpswiz"
	if v, _, _ := strings.Cut(ro.Version, " "); v != "" {
		source += " " + v
	}
	return manHeaderInfo{Section: "1", Date: now, Source: source, Manual: "ftpswiz manual"}, nil
}

// manPages renders the page of c and of every command under it (help
// topics and hidden commands left out), keyed by file name.
func manPages(c *cobra.Command, h manHeaderInfo) (names []string, pages map[string][]byte, err error) {
	pages = map[string][]byte{}
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		page, err := manPage(c, h)
		if err != nil {
			return err
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + "." + h.Section
		names = append(names, name)
		pages[name] = page
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
				continue
			}
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(c); err != nil {
		return nil, nil, err
	}
	return names, pages, nil
}

func manPage(c *cobra.Command, h manHeaderInfo) ([]byte, error) {
	var b bytes.Buffer
	if err := writeManPage(&b, c, h); err != nil {
		return nil, fmt.Errorf("man page of %s: %w", c.CommandPath(), err)
	}
	return b.Bytes(), nil
}

func runMan(cmd *cobra.Command, opts *manOptions, args []string) error {
	root := cmd.Root()
	root.InitDefaultCompletionCmd()
	h, err := manHeader(opts.root)
	if err != nil {
		return err
	}
	if opts.Dir == "" {
		target := root
		if len(args) > 0 {
			c, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || c == root {
				return argsError("no command %q: run 'ftpswiz --help' for the list", strings.Join(args, " "))
			}
			target = c
		}
		page, err := manPage(target, h)
		if err != nil {
			return err
		}
		if _, err := opts.root.Out.Write(page); err != nil {
			return fmt.Errorf("write man page: %w", err)
		}
		return nil
	}
	if len(args) > 0 {
		return argsError("--dir writes every page: give no COMMAND")
	}
	names, pages, err := manPages(root, h)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return fmt.Errorf("man: %w", err)
	}
	out := bufio.NewWriter(opts.root.Out)
	for _, name := range names {
		path := filepath.Join(opts.Dir, name)
		if err := writeFileAtomic(path, pages[name], 0o644); err != nil {
			return fmt.Errorf("man: %w", err)
		}
		fmt.Fprintln(out, path)
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write page list: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file next to path, then
// renames it over path.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, mode)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return werr
	}
	return nil
}
