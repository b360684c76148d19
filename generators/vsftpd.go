package generators

// serverRenderers returns the renderers of this group.
func serverRenderers() []Renderer { return nil }
