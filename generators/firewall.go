package generators

// firewallRenderers returns the renderers of this group.
func firewallRenderers() []Renderer { return nil }
