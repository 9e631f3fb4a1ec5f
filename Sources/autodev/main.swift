import AutodevCLI

Entrypoint.run()
