"""The CLI's commands, one module per command or small group. Each module has
`register(sub)`, which adds its subparser with its arguments and a handler
(`set_defaults(handler=run)`), and handlers `run(args, store, policy) -> int` returning an
exit status (commands.common). cli.py assembles them."""
