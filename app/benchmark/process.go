package benchmark

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc is one finished child process.
type Proc struct {
	Wall      time.Duration
	MaxRSSKiB int64 // peak resident set of the command, from GNU time
	Exit      int
	Stdout    string
	Stderr    string
}

// Command describes a child process to run.
type Command struct {
	Dir     string
	Env     []string // the whole environment
	Path    string
	Args    []string
	Timeout time.Duration // default 10 minutes
}

// TimePath is GNU time, which measures a child's peak RSS.
const TimePath = "/usr/bin/time"

// Run starts the command, waits for it and returns its wall time (from
// just before exec to its exit) and its peak RSS. An error means it could
// not start, or was stopped by the timeout; a non-zero exit is reported in
// Exit.
//
// The peak RSS comes from GNU time, not from the rusage Go's os/exec
// returns: Go starts children with vfork semantics (CLONE_VM), and Linux
// then counts the parent's high-water RSS into the child's ru_maxrss at
// exec, so every child of this (large) test process would seem at least
// as big as it. GNU time forks the command from its own small process.
func Run(c Command) (Proc, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	rssFile, err := os.CreateTemp("", "knock-bench-rss-*")
	if err != nil {
		return Proc{}, err
	}
	rssFile.Close()
	defer os.Remove(rssFile.Name())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, TimePath, append([]string{"-f", "%M", "-o", rssFile.Name(), c.Path}, c.Args...)...)
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	// Its own process group, so that a timeout stops the command too,
	// not only GNU time.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	t0 := time.Now()
	err = cmd.Run()
	p := Proc{Wall: time.Since(t0), Stdout: stdout.String(), Stderr: stderr.String()}
	if cmd.ProcessState != nil {
		p.Exit = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return p, fmt.Errorf("%s: stopped after %s", filepath.Base(c.Path), timeout)
	}
	if _, ok := err.(*exec.ExitError); ok {
		err = nil
	}
	if err != nil {
		return p, err
	}
	data, err := os.ReadFile(rssFile.Name())
	if err != nil {
		return p, err
	}
	// The last line is the figure; a line before it says how the
	// command ended when it did not exit with 0.
	lines := strings.Fields(strings.TrimSpace(string(data)))
	if len(lines) == 0 {
		return p, fmt.Errorf("%s: GNU time wrote no peak RSS", filepath.Base(c.Path))
	}
	if p.MaxRSSKiB, err = strconv.ParseInt(lines[len(lines)-1], 10, 64); err != nil {
		return p, fmt.Errorf("%s: GNU time wrote %q: %w", filepath.Base(c.Path), data, err)
	}
	return p, nil
}

// BaseEnv is a small environment for child processes: PATH, a private
// HOME and XDG directories under home, no proxy, and LANG.
func BaseEnv(home string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local/share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"LANG=en_US.UTF-8",
		"NO_PROXY=127.0.0.1",
		"no_proxy=127.0.0.1",
	}
}

// Median returns the median of xs (the mean of the middle two for an even
// count); 0 for none.
func Median[T ~int64 | ~float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Seconds lists durations in seconds, for results.json.
func Seconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// VmRSS reads a running process's resident set size, in bytes.
func VmRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// LoadAverage reads /proc/loadavg: the 1, 5 and 15 minute averages.
func LoadAverage() []float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	var out []float64
	for _, f := range strings.Fields(string(data))[:3] {
		v, _ := strconv.ParseFloat(f, 64)
		out = append(out, v)
	}
	return out
}
