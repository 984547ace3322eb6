"""One module per ``symnn`` subcommand: ``HELP``, ``add_arguments(parser)``, ``run(args)``.

A subcommand raises :class:`UsageError` for bad input; ``symnn.cli`` loads the subcommand's
module by name and reports the error, so the modules here never import the dispatcher."""


class UsageError(Exception):
    """Bad input from the command line; reported on stderr with exit status 2."""
