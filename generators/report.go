package generators

// reportRenderers returns the renderers of this group.
func reportRenderers() []Renderer { return nil }
