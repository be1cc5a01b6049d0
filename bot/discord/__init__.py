"""The Discord adapter: app commands and buttons translated to the handlers' use cases."""
