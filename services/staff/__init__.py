"""Staff: roles (owner from configuration, admin and operator granted in the bot) and the audit log."""
