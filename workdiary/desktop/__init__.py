"""The desktop program below its windows and commands, Qt-free: one runtime built by every
desktop composition root, the tick loop, the account use cases, the one read model of the
local diary, screenshot review. ``ui/`` renders it, ``cli/`` prints it."""
