package server

import "testing"

func TestRoutes(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/health", nil)
}
