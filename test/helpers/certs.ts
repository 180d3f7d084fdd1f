import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Throw-away TLS material for tests, made with the openssl CLI when first asked for and never
 * written anywhere but a temporary directory that is deleted at once: a test CA, a server
 * certificate it signed (for 127.0.0.1 and localhost), a client certificate it signed (mutual
 * TLS), and a self-signed server certificate nobody trusts. EC P-256 keys, valid for one day.
 */
export interface TestCerts {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
  /** A self-signed certificate and its key: a server no client trusts. */
  rogueKey: string;
  rogueCert: string;
  /** The server key encrypted with `passphrase`. */
  encryptedServerKey: string;
  passphrase: string;
}

let cached: TestCerts | null = null;

function openssl(dir: string, args: string[]): void {
  const result = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe", stdout: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(`openssl ${args.join(" ")} failed (${result.exitCode}): ${result.stderr.toString()}`);
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function testCerts(): TestCerts {
  if (cached !== null) return cached;
  if (Bun.which("openssl") === null) throw new Error("the TLS tests need the openssl command line tool to make their certificates");
  const dir = mkdtempSync(join(tmpdir(), "bun-remoting-certs-"));
  try {
    openssl(dir, ["req", "-x509", ...EC, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=bun-remoting test CA"]);
    writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    for (const name of ["server", "client"]) {
      openssl(dir, ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=bun-remoting test ${name}`]);
      openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "1", "-extfile", "san.ext"]);
    }
    openssl(dir, ["req", "-x509", ...EC, "-keyout", "rogue.key", "-out", "rogue.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
    const passphrase = "test passphrase";
    openssl(dir, ["pkey", "-in", "server.key", "-aes256", "-passout", `pass:${passphrase}`, "-out", "server.enc.key"]);
    const read = (file: string): string => readFileSync(join(dir, file), "utf8");
    cached = {
      ca: read("ca.pem"),
      serverKey: read("server.key"),
      serverCert: read("server.pem"),
      clientKey: read("client.key"),
      clientCert: read("client.pem"),
      rogueKey: read("rogue.key"),
      rogueCert: read("rogue.pem"),
      encryptedServerKey: read("server.enc.key"),
      passphrase,
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
