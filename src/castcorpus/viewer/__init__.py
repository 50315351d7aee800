"""The offline HTML viewer: index page, document pages, highlighting, charts, colours, templates."""
