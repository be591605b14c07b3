"""The bundled sample site and the server that the demo crawl and the tests read it from."""
