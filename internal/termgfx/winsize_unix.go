//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package termgfx

import "golang.org/x/sys/unix"

// winsizeCell derives the cell size from the terminal's window size in
// pixels (TIOCGWINSZ), which xterm fills in even when it refuses to answer
// CSI 16 t (allowWindowOps is off by default).
func winsizeCell(f any) (int, int) {
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return 0, 0
	}
	ws, err := unix.IoctlGetWinsize(int(fd.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0
	}
	return CellSize(int(ws.Col), int(ws.Row), int(ws.Xpixel), int(ws.Ypixel))
}
