package migrations

// ParseDir is parseDir, for tests.
var ParseDir = parseDir
