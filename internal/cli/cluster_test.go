package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestServeRefusesBadClusterFlags: cluster flags that cannot work are
// usage errors before anything is opened or created.
func TestServeRefusesBadClusterFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--etcd", "127.0.0.1:2379"}, "", "--etcd needs --cluster NAME"},
		{[]string{"--cluster", "c"}, "", "--cluster, --node and --advertise need --etcd"},
		{[]string{"--advertise", "http://x:1"}, "", "need --etcd"},
		{[]string{"--etcd", "127.0.0.1:2379", "--cluster", "a/b"}, "", `--cluster "a/b"`},
		{[]string{"--etcd", "127.0.0.1:2379", "--cluster", "c", "--node", "n:1"}, "", `--node "n:1"`},
		{[]string{"--etcd", "127.0.0.1:2379", "--cluster", "c", "--max-lag", "0s"}, "", "--max-lag must be more than 0"},
		{[]string{"--etcd", "127.0.0.1:2379", "--cluster", "c"}, "soon", `ALLIANCEGRAPH_MAX_LAG="soon" is not a duration`},
	} {
		t.Run(strings.Join(tc.args, " ")+tc.env, func(t *testing.T) {
			t.Setenv("ALLIANCEGRAPH_MAX_LAG", tc.env)
			dir := filepath.Join(t.TempDir(), "data")
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			err := Run(ctx, append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, tc.args...), &out, &errOut)
			if !errors.Is(err, ErrUsage) || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("serve %v: %v, %q; want usage error %q", tc.args, err, errOut.String(), tc.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("serve %v created the data directory", tc.args)
			}
		})
	}
}

// TestServeWithoutEtcdFails: a node whose etcd does not answer fails
// with an error naming the endpoints, and writes nothing.
func TestServeWithoutEtcdFails(t *testing.T) {
	dead := servertest.UnusedAddr(t)
	dir := filepath.Join(t.TempDir(), "data")
	var out, errOut bytes.Buffer
	err := Run(t.Context(), []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--etcd", dead, "--cluster", "c"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), dead) {
		t.Errorf("serve with etcd at %s (nothing listening): %v, want an error naming it", dead, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("serve created the data directory without reaching etcd")
	}
}

// TestNodeAnswersWhileStarting: a node listens before it joins the
// cluster; until it serves, its port answers (503, /livez 200) saying what
// it is doing, instead of leaving connections hanging. Here etcd accepts
// connections and never answers, so the node stays in "joining the
// cluster" until its dial times out, and then fails naming etcd.
func TestNodeAnswersWhileStarting(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	addr := servertest.UnusedAddr(t)
	dir := filepath.Join(t.TempDir(), "data")
	done := make(chan error, 1)
	go func() {
		var out, errOut bytes.Buffer
		done <- Run(t.Context(), []string{"serve", "--data", dir, "--addr", addr, "--etcd", silent.Addr().String(), "--cluster", "c"}, &out, &errOut)
	}()
	get := func(path string) (int, string, error) {
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + path)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	var status int
	var body string
	for range 100 { // until the port is open, 10 s at most
		if status, body, err = get("/readyz"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status != 503 || !strings.Contains(body, "starting: joining the cluster") {
		t.Errorf("/readyz while joining: %d %q %v, want 503 saying it is joining", status, body, err)
	}
	if status, body, err := get("/livez"); status != 200 {
		t.Errorf("/livez while joining: %d %q %v, want 200", status, body, err)
	}
	if status, body, err := get("/graphql?query=%7B__typename%7D"); status != 503 || !strings.Contains(body, `"code":"TIMEOUT"`) {
		t.Errorf("a query while joining: %d %q %v, want 503 TIMEOUT", status, body, err)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), silent.Addr().String()) {
		t.Errorf("serve with a silent etcd: %v, want an error naming it", err)
	}
}
