"""The middleware chain, outermost first (DESIGN.md §5):

context/log id + request inspector -> access log/metrics -> gzip (never for event streams) ->
[Litestar: CORS -> error handling -> routing -> token auth -> session auth -> permission -> i18n]
-> handler. The outer layers wrap the whole app so unknown routes get log ids and access lines too;
CORS is Litestar's own and also covers preflights and 404s; the guard positions run per route.
"""
