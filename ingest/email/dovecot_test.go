package email_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// dovecot is a real IMAP server (Debian's dovecot-imapd) started for one test, on loopback ports,
// with a throwaway configuration, one user and a Maildir the test writes messages into.
type dovecot struct {
	dir       string
	conf      string
	cmd       *exec.Cmd
	plainAddr string
	tlsAddr   string
	tls       *tls.Config
	maildir   string
	uid, gid  int
	seq       int
}

const imapUser, imapPassword = "cs", "s3cret"

func startDovecot(t *testing.T) *dovecot {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, err := os.Stat(p); err == nil {
				bin = p
			}
		}
	}
	if bin == "" {
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run installs it)")
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	d := &dovecot{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), maildir: filepath.Join(dir, "mail", imapUser)}
	// Mail belongs to an unprivileged user; as root, dovecot switches to it.
	d.uid, d.gid = os.Getuid(), os.Getgid()
	internal, login := "", ""
	if os.Getuid() == 0 {
		d.uid, d.gid = 65534, 65534
		internal, login = "dovecot", "dovenull"
	} else if u, err := user.Current(); err == nil {
		internal, login = u.Username, u.Username
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(d.maildir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	d.chownMail(t)
	certPEM, keyPEM, pool := selfSigned(t)
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o644)
	os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "users"), []byte(imapUser+":{PLAIN}"+imapPassword+"\n"), 0o644)
	d.tls = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	plainPort, tlsPort := freePort(t), freePort(t)
	d.plainAddr, d.tlsAddr = "127.0.0.1:"+strconv.Itoa(plainPort), "127.0.0.1:"+strconv.Itoa(tlsPort)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%u
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = %[2]s
default_login_user = %[3]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = static
  args = uid=%[4]d gid=%[5]d home=%[1]s/mail/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[6]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[7]d
    ssl = yes
  }
}
service anvil {
  chroot =
}
`, dir, internal, login, d.uid, d.gid, plainPort, tlsPort)
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	d.start(t, bin)
	t.Cleanup(d.stop)
	return d
}

func (d *dovecot) start(t *testing.T, bin string) {
	t.Helper()
	d.cmd = exec.Command(bin, "-F", "-c", d.conf)
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", d.plainAddr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	t.Fatalf("dovecot did not start:\n%s", log)
}

func (d *dovecot) stop() {
	if d.cmd != nil && d.cmd.Process != nil {
		syscall.Kill(-d.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { d.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
}

// restart stops dovecot, lets fn change the mailbox on disk, and starts it again.
func (d *dovecot) restart(t *testing.T, fn func()) {
	t.Helper()
	d.stop()
	fn()
	bin, _ := exec.LookPath("dovecot")
	if bin == "" {
		bin = "/usr/sbin/dovecot"
	}
	d.start(t, bin)
}

// deliver drops a message into the Maildir, as a delivery agent would.
func (d *dovecot) deliver(t *testing.T, raw string) {
	t.Helper()
	d.seq++
	name := fmt.Sprintf("%d.M%dP%d.koe-test", time.Now().Unix(), d.seq, os.Getpid())
	path := filepath.Join(d.maildir, "new", name)
	crlf := []byte{}
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\n' && (i == 0 || raw[i-1] != '\r') {
			crlf = append(crlf, '\r')
		}
		crlf = append(crlf, raw[i])
	}
	if err := os.WriteFile(path, crlf, 0o600); err != nil {
		t.Fatal(err)
	}
	d.chownMail(t)
}

func (d *dovecot) chownMail(t *testing.T) {
	filepath.Walk(filepath.Join(d.dir, "mail"), func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			os.Lchown(p, d.uid, d.gid)
		}
		return nil
	})
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func selfSigned(t *testing.T) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "koe test imap"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), pool
}
