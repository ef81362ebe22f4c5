"""The figures and changes every interface (dashboard, CLI, later the API) asks for."""
