package ceiling

//go:generate go tool gqlgen generate --config gqlgen.yml

// Resolver serves the ceiling from memory.
type Resolver struct{ Data *Data }
