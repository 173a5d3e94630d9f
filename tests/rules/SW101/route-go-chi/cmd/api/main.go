package main

import (
	"log"
	"net/http"

	"example.com/api/internal/server"
)

func main() {
	log.Fatal(http.ListenAndServe(":8080", server.Routes()))
}
