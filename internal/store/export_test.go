package store

// Rebind exposes rebind to the external tests.
var Rebind = rebind
