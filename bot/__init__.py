"""Application wiring: configuration, dispatcher, middlewares, keyboards and texts."""
