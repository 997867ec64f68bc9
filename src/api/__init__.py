"""HTTP surface: Litestar app, middleware chain, routers per surface, request/response schemas."""
