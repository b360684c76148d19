//go:build !unix

package vsftpdconf

const noBlockFlag = 0
