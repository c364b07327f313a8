import java.io.FileInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
// Prints each certificate file's subject as Java's X500Principal.getName() does (RFC 2253): what Kafka
// makes an mTLS principal from. Run as a single-file program: java PrintSubjects.java a.crt b.crt
public class PrintSubjects {
  public static void main(String[] a) throws Exception {
    for (String f : a) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new FileInputStream(f));
      System.out.println(c.getSubjectX500Principal().getName());
    }
  }
}
