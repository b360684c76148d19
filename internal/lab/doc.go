// Package lab stands up real FTPS labs in Linux network namespaces for tests.
//
// New builds four namespaces — a server host (srv) behind a NAT router
// (srvrt), and a client host (cli) behind a masquerading router (clirt),
// joined by a veth "fake internet" between 198.51.100.0/24 and 192.0.2.0/24.
// NewNamespace builds a single isolated namespace for syntax checks and
// greeting tests. Nothing is ever configured in the root namespace.
//
// Every command has a timeout; background processes run in their own process
// group and are killed by PID at cleanup, together with anything else left
// inside the lab's namespaces; users made with NewUser are deleted after
// that, then the namespaces and the per-test directory. Names carry the test
// binary's PID, so a later run removes what a killed run left behind.
//
// Tests call Require first: a missing tool or non-root user is a skip, or a
// failure naming the Debian package when CI=true.
package lab
