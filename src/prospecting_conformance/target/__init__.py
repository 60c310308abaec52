"""Where a run points and how: settings, target config, profiles, embedded."""
