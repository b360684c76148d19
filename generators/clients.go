package generators

import "github.com/ftpswiz/ftpswiz/wizard"

// clientRenderers returns the renderers of this group: one per client
// software, each writing one file under client/ when the plan's client part
// lists that software (role server has no client part, so no client files).
func clientRenderers() []Renderer {
	return []Renderer{
		clientRenderer(wizard.ClientLFTP, renderLFTP),
		clientRenderer(wizard.ClientCurl, renderCurl),
		clientRenderer(wizard.ClientFileZilla, renderFileZilla),
		clientRenderer(wizard.ClientWinSCP, renderWinSCP),
		clientRenderer(wizard.ClientRclone, renderRclone),
		clientRenderer(wizard.ClientPython, renderPython),
	}
}
