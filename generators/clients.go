package generators

// clientRenderers returns the renderers of this group.
func clientRenderers() []Renderer { return nil }
