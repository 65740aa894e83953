"""OpenAPI: the document (`utils.get_openapi`), its JSON Schemas (`schema`) and the
interactive docs pages (`docs`), as in `fastapi.openapi`."""
