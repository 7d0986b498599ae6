package servertest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds a server's start (opening the store, loading the
// dataset): past it the test fails rather than hangs.
const startTimeout = 60 * time.Second

// startCommand runs serve through o.run in this process, or as a process
// of o.bin, and waits for the address it logs.
func startCommand(t testing.TB, o *options) *Server {
	t.Helper()
	s := &Server{log: &SyncBuffer{}, Dir: o.dir}
	args := commandArgs(t, o)
	pr, pw := io.Pipe()
	var logw io.Writer = pw
	if o.logTo != nil {
		logw = io.MultiWriter(pw, o.logTo)
	}
	ready := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			s.log.Write(append(sc.Bytes(), '\n'))
			if m := servingURL.FindSubmatch(sc.Bytes()); m != nil {
				select {
				case ready <- string(m[1]):
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	exited := make(chan error, 1)
	if o.run != nil {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			err := o.run(ctx, args, io.Discard, logw)
			pw.Close()
			exited <- err
		}()
		s.stop = func(t testing.TB) {
			t.Helper()
			cancel()
			if err := <-exited; err != nil {
				t.Errorf("serve: %v", err)
			}
			<-scanned
		}
	} else {
		cmd := exec.Command(o.bin, args...)
		cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1")
		cmd.Stderr = logw
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			err := cmd.Wait()
			pw.Close()
			exited <- err
		}()
		s.signal = func(t testing.TB, sig syscall.Signal) (*os.ProcessState, error) {
			t.Helper()
			if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			err := <-exited
			<-scanned
			if strings.Contains(s.log.String(), "DATA RACE") {
				t.Fatalf("the server reported a data race:\n%s", s.log.String())
			}
			return cmd.ProcessState, err
		}
		s.stop = func(t testing.TB) {
			t.Helper()
			if _, err := s.signal(t, syscall.SIGTERM); err != nil {
				t.Errorf("serve: %v\n%s", err, s.log.String())
			}
		}
		if o.noWait {
			return s
		}
	}
	select {
	case s.URL = <-ready:
		s.Addr = strings.TrimPrefix(s.URL, "http://")
		return s
	case err := <-exited:
		exited <- err
		s.done = true
		<-scanned
		t.Fatalf("serve exited before serving: %v\n%s", err, s.log.String())
	case <-time.After(startTimeout):
		s.Stop(t)
		t.Fatalf("serve did not start within %v:\n%s", startTimeout, s.log.String())
	}
	return nil
}

// Build compiles the alliancegraph binary into a directory of
// t.TempDir(), with -race when the tests run with it (which reuses their
// build cache and catches races in the server too), and returns its path.
func Build(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "alliancegraph")
	args := []string{"build", "-o", bin}
	if RaceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = Root(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
