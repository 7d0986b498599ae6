package cli

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	dir := filepath.Join(t.TempDir(), "data")
	var out, errOut bytes.Buffer
	err = Run(t.Context(), []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--etcd", dead, "--cluster", "c"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), dead) {
		t.Errorf("serve with etcd at %s (nothing listening): %v, want an error naming it", dead, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("serve created the data directory without reaching etcd")
	}
}
