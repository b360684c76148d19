// Command ftpswiz plans FTPS deployments: it asks (or reads from an answers
// file) how the server and clients are connected and writes vsftpd.conf,
// firewall rules for every side, client configs and an explained report.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := recovered(os.Stderr, func() int { return run(ctx, os.Args[1:], systemOptions()) })
	stop()
	os.Exit(code)
}
