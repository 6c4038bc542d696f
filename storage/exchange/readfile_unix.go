//go:build unix

package exchange

import (
	"os"
	"syscall"
)

// nativeReadSmallFile reads a whole request file in four system calls
// (open, read, read to the end, close). os.ReadFile makes nine: it opens a
// file the way it opens anything, setting it non-blocking and trying to add
// it to the network poller, which a regular file refuses, then sets it back
// and asks for its size. A native collection is a folder of small files,
// one per request, and on a virtual machine a system call can cost several
// microseconds: those calls were most of what reading one cost. The file
// is read into buf, grown as needed.
func nativeReadSmallFile(path string, buf []byte) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	buf = buf[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 2048)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // room to read into
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
