"""One DeclarativeContainer per context, each declaring its inputs as Dependency providers."""
