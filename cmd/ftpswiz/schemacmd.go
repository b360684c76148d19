package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ftpswiz/ftpswiz/schema"
)

func newSchemaCmd(root *rootOptions) *cobra.Command {
	var fleetSchema bool
	cmd := &cobra.Command{
		Use:   "schema [--fleet]",
		Short: "Print the JSON Schema of the answers file (or of a fleet file), for editors",
		Long: `Schema prints the JSON Schema (draft 2020-12) of answers.yaml: every key, its
meaning, the valid values and bounds. Editors with a YAML language server
(VS Code's YAML extension, Neovim, Helix, ...) complete and check answers.yaml
with it: every answers.yaml ftpswiz writes starts with

  ` + schema.Modeline + `

The packages install it as ` + schema.InstalledPath + `; to use that copy
offline, point the first line there ($schema=` + schema.InstalledPath + `).
The schema is a help for editors: ftpswiz itself checks more (the
passive range against the control ports, host bits of CIDRs, ...).

With --fleet it prints the schema of a fleet answers file (fleet:, defaults:,
servers:, client_sites:), whose answers sections are the answers file's keys,
every one optional. The fleet.yaml that generate writes for a fleet starts with

  ` + schema.FleetModeline + `

(unless the fleet file names a schema itself); the packages install it as
` + schema.FleetInstalledPath + `.

` + exitStatusHelp,
		Example: `  ftpswiz schema > answers.schema.json
  ftpswiz schema --fleet > fleet.schema.json`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := schema.Answers
			if fleetSchema {
				out = schema.Fleet
			}
			if _, err := root.Out.Write(out); err != nil {
				return fmt.Errorf("write schema: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&fleetSchema, "fleet", false, "print the schema of a fleet answers file instead")
	return cmd
}
