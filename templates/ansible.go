package templates

import (
	"embed"
	"io/fs"
)

//go:embed ansible
var ansibleFiles embed.FS

// Ansible returns the static files of the fleet's Ansible project (roles,
// playbook, ansible.cfg), rooted at the project directory. They are copied
// as they are; only site.yml's @SERIAL@ is replaced.
func Ansible() fs.FS {
	sub, err := fs.Sub(ansibleFiles, "ansible")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
