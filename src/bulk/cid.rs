//! A CID parser, enough to refuse a typo before anything is sent: CIDv0 (base58btc `Qm…`, a
//! sha2-256 multihash) and CIDv1 in the multibases CIDs are written in (`b`/`B` base32, `z`
//! base58btc, `f`/`F` base16, `k` base36), each decoded and checked for a version, a codec
//! and a multihash whose length matches its digest. Hand-written: the `cid` crate would bring
//! multihash and multibase with it for what is ~100 lines here.

const BASE58_BTC: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A parsed CID: its binary form (for comparing CIDs written in different bases) and the text
/// as given (sent to the daemons as it is).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cid {
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Cid {
    pub fn parse(s: &str) -> Result<Cid, String> {
        let bytes = decode(s)?;
        Ok(Cid {
            text: s.to_string(),
            bytes,
        })
    }
}

/// The CID's binary form; the error says what is wrong and what a CID looks like.
pub fn decode(s: &str) -> Result<Vec<u8>, String> {
    if s.is_empty() {
        return Err("empty".into());
    }
    if s.starts_with("Qm") {
        if s.len() != 46 {
            return Err(format!(
                "a CIDv0 (Qm…) has 46 characters, this has {}: check for a truncated copy",
                s.chars().count()
            ));
        }
        let mh = base_n(s.as_bytes(), BASE58_BTC, "base58btc")?;
        if mh.len() != 34 || mh[0] != 0x12 || mh[1] != 0x20 {
            return Err("a CIDv0 must decode to a sha2-256 multihash".into());
        }
        return Ok(mh);
    }
    let mut chars = s.chars();
    let prefix = chars.next().unwrap_or(' ');
    let rest = chars.as_str().as_bytes();
    let bytes = match prefix {
        'b' => base32(rest, false)?,
        'B' => base32(rest, true)?,
        'z' => base_n(rest, BASE58_BTC, "base58btc")?,
        'k' => base_n(rest, BASE36, "base36")?,
        'f' => base16(rest, false)?,
        'F' => base16(rest, true)?,
        _ => {
            return Err(
                "not a CID: expected a CIDv0 (Qm…, 46 characters) or a CIDv1 in base32 (bafy…), \
                 base58btc (z…), base16 (f…) or base36 (k…)"
                    .into(),
            );
        }
    };
    check_v1(&bytes)?;
    Ok(bytes)
}

/// version 1, codec, multihash (code, length, digest of exactly that length).
fn check_v1(b: &[u8]) -> Result<(), String> {
    let mut at = 0;
    let version = varint(b, &mut at)?;
    if version != 1 {
        return Err(format!(
            "decodes to CID version {version}; only 1 is written with a multibase prefix"
        ));
    }
    let _codec = varint(b, &mut at)?;
    let _hash = varint(b, &mut at)?;
    let len = varint(b, &mut at)?;
    let digest = b.len() - at;
    if len as usize != digest || (len == 0 && _hash != 0) {
        return Err(format!(
            "its multihash says {len} digest bytes but {digest} follow: the CID is truncated or \
             has extra characters"
        ));
    }
    Ok(())
}

fn varint(b: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..63).step_by(7) {
        let Some(&byte) = b.get(*at) else {
            return Err("ends inside its header: the CID is truncated".into());
        };
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("has a malformed header (varint too long)".into())
}

fn bad_char(c: u8, base: &str) -> String {
    let shown = char::from(c);
    format!(
        "{shown:?} is not a {base} character: check for a typo (0/O, 1/l/I) or a stray character"
    )
}

/// Base58 or base36: big-number conversion, leading zero digits are zero bytes.
fn base_n(s: &[u8], alphabet: &[u8], name: &str) -> Result<Vec<u8>, String> {
    let radix = alphabet.len() as u32;
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    for &c in s {
        let Some(d) = alphabet.iter().position(|&a| a == c) else {
            return Err(bad_char(c, name));
        };
        let mut carry = d as u32;
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * radix;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.iter().take_while(|&&c| c == alphabet[0]).count();
    let mut bytes = vec![0u8; zeros];
    bytes.extend(out);
    Ok(bytes)
}

fn base32(s: &[u8], upper: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = match c {
            b'a'..=b'z' if !upper => c - b'a',
            b'A'..=b'Z' if upper => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return Err(bad_char(c, "base32")),
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn base16(s: &[u8], upper: bool) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err("base16 needs an even number of digits: the CID is truncated".into());
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' if !upper => Ok(c - b'a' + 10),
        b'A'..=b'F' if upper => Ok(c - b'A' + 10),
        _ => Err(bad_char(c, "base16")),
    };
    s.chunks(2)
        .map(|p| Ok(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real CIDs: the same dag-pb sha2-256 content in v0 and v1 (from `ipfs cid format`).
    const V0: &str = "QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVTG";

    #[test]
    fn real_cids_parse() {
        let v0 = decode(V0).expect("v0");
        assert_eq!(v0.len(), 34);
        for s in [
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            "f01551220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            decode(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        }
    }

    #[test]
    fn the_same_cid_in_four_bases_is_one_cid() {
        // V0 as CIDv1 in base32, base58btc and base36 (`ipfs cid format -v 1 -b …`).
        let v1 = decode("bafybeidubw4ikz2gddi5dd54yn6s2sm57fn5xf235ginukt4gmjhnmkrim").unwrap();
        assert_eq!(
            &v1[2..],
            &decode(V0).unwrap()[..],
            "v1 = 0x01 0x70 + the v0 multihash"
        );
        let upper = decode("BAFYBEIDUBW4IKZ2GDDI5DD54YN6S2SM57FN5XF235GINUKT4GMJHNMKRIM").unwrap();
        assert_eq!(v1, upper);
        assert_eq!(
            decode("zdj7WdEvWLtuWiKQQZeaEB7Quu7DKEy6qr3cjYPyLhJ4cJPdC").unwrap(),
            v1
        );
        assert_eq!(
            decode("k2jmtxu98o97mo3jz635r5xz3sndtcxwv9f4yj2t7mqd3hjucypgxver").unwrap(),
            v1
        );
        let hex: String = v1.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(decode(&format!("f{hex}")).unwrap(), v1);
    }

    #[test]
    fn typos_are_refused_with_a_reason() {
        // 0 is not base58; a dropped character; a truncated v1; a foreign prefix.
        assert!(
            decode("QmW9g8uq43EiXhFiqVDVYY4Yb73XPJRukR8sJYJdFAjVT0")
                .unwrap_err()
                .contains("'0'")
        );
        assert!(decode(&V0[..45]).unwrap_err().contains("46 characters"));
        let short = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbz";
        assert!(
            decode(short).unwrap_err().contains("truncated"),
            "{:?}",
            decode(short)
        );
        assert!(decode("hello").unwrap_err().contains("not a CID"));
        assert!(decode("bafy!").unwrap_err().contains("base32"));
    }
}
