//go:build !windows

package main

import "github.com/snapdash/snapdash/tui/sshserve"

// sessionName is an SSH reviewer's name as the team sees it: the key's
// comment in authorized_keys (ada@laptop), else the SSH user.
func sessionName(info sshserve.SessionInfo) string {
	if info.Comment != "" {
		return info.Comment
	}
	if info.User != "" {
		return info.User
	}
	return "reviewer"
}
