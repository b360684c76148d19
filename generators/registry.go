package generators

// Registry returns every renderer ftpswiz has, in a fresh slice, in the
// order their files are described in the README.
func Registry() []Renderer {
	var out []Renderer
	out = append(out, serverRenderers()...)
	out = append(out, certRenderers()...)
	out = append(out, pasvRefreshRenderers()...)
	out = append(out, containerRenderers()...)
	out = append(out, firewallRenderers()...)
	out = append(out, clientRenderers()...)
	out = append(out, sftpRenderers()...)
	out = append(out, reportRenderers()...)
	out = append(out, answersRenderers()...)
	return out
}
