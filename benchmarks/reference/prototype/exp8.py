# Tables: can the router's ridge be chosen on a SUBSET of its features (the first S of 2,500) and then applied to the
# whole layer? Leave-one-out squared error, whole grid from an end (the Java rule), on the first S features' Gram;
# the winning relative ridge (relative to that Gram's mean diagonal) is then used on all 2,500 features. Speed: a
# candidate then costs a factorisation of S x S instead of 2,500 x 2,500. Same splits, orders and features as exp6.
# Result (6 seeds, session 6): worse. Choosing on 1,000 of 2,500 features: Glass -1.40, iris -0.56, wine 0.00,
# Vehicle 0.00 points; with the ridge rescaled by F/S (SCALE=1, the kernel-approximation view): Glass -2.08,
# Vehicle -0.80. Dropped; the router's Gram is factored instead (RouterGram.Factored: exact, and as cheap).
# usage: exp8.py TABLE[,TABLE...] SEEDS S[,S...]     e.g. exp8.py Glass,iris 10 500,1000,2500
import numpy as np, sys, os
SCALE=os.environ.get('SCALE')=='1'
from exp6 import sequence, layer, sig, GRID, PARAMS
def choose(P, R, Y, ci, seen, prev, S):
    Q=P[R][:, :S]; Kk=Q@Q.T; diag=np.trace(Kk)/S
    cands=GRID if prev is None or prev in (GRID[0],GRID[-1]) else [r for r in GRID if prev/10.5<=r<=prev*10.5]
    ev,U=np.linalg.eigh(Kk); ev=np.maximum(ev,0); UtY=U.T@Y; best=None
    for r in sorted(cands,reverse=True):
        f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
        L=(Yh-h[:,None]*Y[ci])/(1-h)[:,None]; err=-((L-Y[ci])**2).sum()
        if best is None or err>best[0]: best=(err,r)
    return best[1]
def run(name, seed, sizes):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    W,b=layer(d,2500,np.random.default_rng(1000+seed)); P=sig(Z@W+b); Pt=sig(Zt@W+b)
    out={}
    for S in sizes:
        rows=[]; prev=None
        for t,cls in enumerate(T):
            cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows)
            Y=np.zeros((len(R),K)); Y[np.arange(len(R)),[cidx[v] for v in ytr[R]]]=1
            seen=[cidx[c] for cc in T[:t+1] for c in cc]; nc=len(cur); ci=np.arange(len(R)-nc,len(R))
            prev=choose(P,R,Y,ci,seen,prev,S)
        Kk=P[R]@P[R].T; diag=np.trace(Kk)/P.shape[1]
        A=np.linalg.solve(Kk+prev*(SCALE and 2500/S or 1)*diag*np.eye(len(R)),Y); pred=np.array(classes)[((Pt@P[R].T)@A).argmax(1)]
        out[S]=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    return out
if __name__=='__main__':
    names=sys.argv[1].split(','); seeds=int(sys.argv[2]); sizes=[int(s) for s in sys.argv[3].split(',')]
    for name in names:
        res=[run(name,s,sizes) for s in range(seeds)]
        print(name,' '.join(f"S={S} {np.mean([r[S] for r in res])*100:.2f}" for S in sizes),
              '| vs S=2500', ' '.join(f"{S}:{np.mean([r[S]-r[sizes[-1]] for r in res])*100:+.2f}" for S in sizes[:-1]), flush=True)
