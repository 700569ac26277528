p=21888242871839275222246405745257275088696311157297823662689037894645226208583
r=21888242871839275222246405745257275088548364400416034343698204186575808495617
x=4965661367192848881
R=2**256
assert p==36*x**4+36*x**3+24*x**2+6*x+1 and r==36*x**4+36*x**3+18*x**2+6*x+1
# Fp2 arithmetic: (a,b) = a + b u, u^2=-1
def m2(a,b): return ((a[0]*b[0]-a[1]*b[1])%p, (a[0]*b[1]+a[1]*b[0])%p)
def pw2(a,e):
    res=(1,0)
    while e:
        if e&1: res=m2(res,a)
        a=m2(a,a); e>>=1
    return res
def inv2(a):
    n=(a[0]*a[0]+a[1]*a[1])%p; ni=pow(n,p-2,p); return (a[0]*ni%p, (-a[1])*ni%p)
xi=(9,1)
def limbs(v):
    v=v*R%p
    return '{0x%016xULL, 0x%016xULL, 0x%016xULL, 0x%016xULL}'%tuple((v>>(64*i))&(2**64-1) for i in range(4))
def fp2c(a): return '{{%s, %s}}'%(limbs(a[0]),limbs(a[1]))
out=[]
bt=m2((3,0),inv2(xi))
out.append(('twist_b',fp2c(bt)))
out.append(('twist_b3',fp2c(m2((3,0),bt))))
for k in (1,2,3):
    for i in range(1,6):
        g=pw2(xi, i*(p**k-1)//6)
        out.append(('frob%d_%d'%(k,i),fp2c(g)))
        if k==2: print('// frob2_%d in Fp? '%i, g[1]==0, g[0]==p-1, g[0]==1)
# psi constants for twist: x*xi^((p-1)/3), y*xi^((p-1)/2)
out.append(('psi_x',fp2c(pw2(xi,(p-1)//3))))
out.append(('psi_y',fp2c(pw2(xi,(p-1)//2))))
out.append(('psi2_x',fp2c(pw2(xi,(p*p-1)//3))))
out.append(('psi2_y',fp2c(pw2(xi,(p*p-1)//2))))
print(pw2(xi,(p*p-1)//2))
for n,v in out: print('static const nt_fp2 %s = %s;'%(n,v))
def naf(k):
    d=[]
    while k:
        if k&1:
            z=2-(k%4); k-=z
        else: z=0
        d.append(z); k//=2
    return d
n=naf(6*x+2); print('naf 6x+2 len',len(n), 'nonzero', sum(1 for z in n if z)); print(','.join(map(str,n)))
n=naf(6*x*x); print('naf 6x^2 len',len(n), 'nonzero', sum(1 for z in n if z))
n=naf(x); print('naf x len',len(n), 'nonzero', sum(1 for z in n if z), bin(x).count('1'))
# final exp hard part check
s=2*x*(6*x*x+3*x+1)
lam=s*(p**4-p**2+1)//r
assert s*(p**4-p**2+1)%r==0
l0=12*x**3+12*x**2+6*x+1; l1=12*x**3+6*x**2+4*x; l2=12*x**3+6*x**2+6*x; l3=12*x**3+6*x**2+4*x-1
print('hard chain ok', lam==l0+l1*p+l2*p*p+l3*p**3)
print('p mod r == 6x^2', p%r==6*x*x%r)
# G2 membership at the end of a Miller-loop walk (zk/pairing.c, walk_in_g2):
# phi = [6x+2] + psi - psi^2 + psi^3 in Z[psi], psi^2 = t psi - p. Its kernel
# on E'(Fp2) is G2 exactly when gcd(N(phi), #E'(Fp2)) = r and r^2 does not
# divide #E'(Fp2) (#E'(Fp2) = r (2p - r)).
from math import gcd
t=6*x*x+1
def zmul(u,v):
    a,b=u; c,d=v
    return (a*c-b*d*p, a*d+b*c+b*d*t)
s1=(0,1); s2=zmul(s1,s1); s3=zmul(s2,s1)
a=6*x+2+s1[0]-s2[0]+s3[0]; b=s1[1]-s2[1]+s3[1]
norm=a*a+a*b*t+b*b*p
n2=r*(2*p-r)
print('walk criterion exact', gcd(norm,n2)==r and n2%(r*r)!=0)
# ... and a point of G2 meets no case the formulas leave out: the partial
# multiples of the loop are below 2^66 (never O, never +-Q before an
# addition after the first doubling), and the two Frobenius additions do
# not add +-T: 6x+2 != +-p and 6x+2+p != +-p^2 (mod r).
print('walk exact on G2', all((6*x+2+c)%r!=0 for c in (-p,p)) and
      all((6*x+2+p+c)%r!=0 for c in (-p*p,p*p)))
# GLV on G1 (zk/msm.c): beta^3 = 1 in Fp, lambda^3 = 1 in Fr, and the
# reduced basis v1 = (a1, -nb1), v2 = (a2, b2) of {(a, b): a + b lambda = 0
# mod r} with a1 b2 + a2 nb1 = r; g1 = round(2^256 b2 / r),
# g2 = round(2^256 nb1 / r).
beta=0x59e26bcea0d48bacd4f263f1acdb5c4f5763473177fffffe
lam=0xb3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90dd
a1=b2=0x89d3256894d213e3
nb1=0x6f4d8248eeb859fc8211bbeb7d4f1128
a2=0x6f4d8248eeb859fd0be4e1541221250b
print('glv', pow(beta,3,p)==1 and beta!=1 and pow(lam,3,r)==1 and lam!=1,
      (a1-nb1*lam)%r==0 and (a2+b2*lam)%r==0 and a1*b2+a2*nb1==r)
print('beta', limbs(beta))
print('g1', hex((2**256*b2+r//2)//r), 'g2', hex((2**256*nb1+r//2)//r))
