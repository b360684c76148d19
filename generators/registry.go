package generators

// Registry returns every renderer ftpswiz has, in a fresh slice.
func Registry() []Renderer {
	return []Renderer{}
}
