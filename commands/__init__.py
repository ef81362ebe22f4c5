"""The CLI's commands, one module per command or small group. Each module has
`register(sub)`, which adds its subparser with its arguments and a handler
(`set_defaults(handler=run)`), and handlers `run(args, store, policy) -> int` returning an
exit status (commands.common). Two more defaults tell cli.py how to open the store and
what the command writes: `creates_store=True` for a command that may make a new SQLite
store (any other refuses a path with no store: a mistyped one), and `writes_to`, the
argument naming the file it writes (default `output`, -o), which may never be the store.
cli.py assembles them."""
