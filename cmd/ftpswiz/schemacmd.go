package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/schema"
)

func newSchemaCmd(root *rootOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the answers file, for editors",
		Long: `Schema prints the JSON Schema (draft 2020-12) of answers.yaml: every key, its
meaning, the valid values and bounds. Editors with a YAML language server
(VS Code's YAML extension, Neovim, Helix, ...) complete and check answers.yaml
with it: every answers.yaml ftpswiz writes starts with

  ` + schema.Modeline + `

The packages install it as ` + schema.InstalledPath + `; to use that copy
offline, point the first line there ($schema=` + schema.InstalledPath + `).
The schema is a help for editors: ftpswiz itself checks more (the
passive range against the control ports, host bits of CIDRs, ...).

` + exitStatusHelp,
		Example:               `  ftpswiz schema > answers.schema.json`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := root.Out.Write(schema.Answers); err != nil {
				return fmt.Errorf("write schema: %w", err)
			}
			return nil
		},
	}
}
