//go:build !unix

package safefile

const noBlockFlag = 0
