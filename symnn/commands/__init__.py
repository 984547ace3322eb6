"""One module per ``symnn`` subcommand: ``HELP``, ``add_arguments(parser)``, ``run(args)``."""
