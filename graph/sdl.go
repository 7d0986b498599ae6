package graph

// SDL returns the schema the server is generated from, schema.graphqls as
// gqlgen embedded it in generated.go, for serving to client generators.
func SDL() string {
	var sdl string
	for _, s := range sources {
		sdl += s.Input
	}
	return sdl
}
