package cluster

// keys names a cluster's etcd keys. Everything of cluster NAME lives under
// /alliancegraph/NAME/:
//
//	log           the log: each revision of this key is one change set
//	stage/ID/N    chunk N of a change set too large for one etcd request,
//	              deleted by the transaction that commits it
//	nodes/NODE    a running node's advertised URL, under its lease
//	secret        what nodes present to each other for backups
type keys struct {
	log, stage, nodes, secret string
}

func newKeys(cluster string) keys {
	p := "/alliancegraph/" + cluster + "/"
	return keys{log: p + "log", stage: p + "stage/", nodes: p + "nodes/", secret: p + "secret"}
}
