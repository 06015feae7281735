"""The demo: synthetic accounts, submissions and a reviewer pool across every app, for
`make demo`. It sits above all the apps it fills, so none of them imports it."""
