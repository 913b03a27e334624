# Tables: the router (leave-one-out ridge, exp6's lool2edge) plus one unit head per task on the shared features, the
# class within the fired task chosen by unit + router scores (class.score=sum). How the head's ridge is chosen:
# hold (within-task accuracy on a 20 % held-out slice, full grid), loo (leave-one-out squared error, the grid next
# to the router's choice), router (the router's relative ridge as it is), none (router scores alone).
# usage: exp7.py TABLE[,TABLE...] SEEDS
import numpy as np, sys
from exp6 import sequence, layer, sig, GRID
def loo_dual(K,Y,lam,rows):
    A=np.linalg.inv(K+lam*np.eye(len(K))); alpha=A@Y; return (((alpha/np.diag(A)[:,None])[rows])**2).sum()
def run(name,seed):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    W,b=layer(d,2500,np.random.default_rng(1000+seed)); P=sig(Z@W+b); Pt=sig(Zt@W+b)
    rows=[]; prev=None; heads={k:[] for k in ('hold','loo','router')}; vr=np.random.default_rng(7+seed)
    for t,cls in enumerate(T):
        cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows)
        Y=np.zeros((len(R),K)); Y[np.arange(len(R)),[cidx[v] for v in ytr[R]]]=1
        Kk=P[R]@P[R].T; diag=np.trace(Kk)/P.shape[1]; nc=len(cur); ci=np.arange(len(R)-nc,len(R))
        cands=GRID if prev is None or prev in (GRID[0],GRID[-1]) else [r for r in GRID if prev/10.5<=r<=prev*10.5]
        ev,U=np.linalg.eigh(Kk); ev=np.maximum(ev,0); UtY=U.T@Y; best=None
        for r in sorted(cands,reverse=True):
            f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
            L=(Yh-h[:,None]*Y[ci])/(1-h)[:,None]; err=((L-Y[ci])**2).sum()
            if best is None or err<best[0]: best=(err,r)
        prev=best[1]
        # unit head on this task's rows, this task's classes
        Pc=P[cur]; Yc=np.zeros((nc,len(cls))); Yc[np.arange(nc),[cls.index(v) for v in ytr[cur]]]=1
        Kc=Pc@Pc.T; dc=np.trace(Kc)/P.shape[1]
        def fit(g): return Pc.T@np.linalg.solve(Kc+g*np.eye(nc),Yc)
        # hold: accuracy on 20 % held out, full grid, ties -> larger
        perm=vr.permutation(nc); hv=np.sort(perm[:max(1,round(0.2*nc))]); fr=np.setdiff1d(np.arange(nc),hv); bh=None
        for r in sorted(GRID,reverse=True):
            if len(cls)<2: bh=(0,r); break
            B=Pc[fr].T@np.linalg.solve(Kc[np.ix_(fr,fr)]+r*dc*np.eye(fr.size),Yc[fr]); a=((Pc[hv]@B).argmax(1)==Yc[hv].argmax(1)).sum()
            if bh is None or a>bh[0]: bh=(a,r)
        heads['hold'].append((cls,fit(bh[1]*dc)))
        near=[r for r in GRID if prev/10.5<=r<=prev*10.5]; bl=None
        for r in sorted(near,reverse=True):
            e=loo_dual(Kc,Yc,r*dc,np.arange(nc))
            if bl is None or e<bl[0]: bl=(e,r)
        heads['loo'].append((cls,fit(bl[1]*dc)))
        heads['router'].append((cls,fit(prev*dc)))
    A=np.linalg.solve(Kk+prev*diag*np.eye(len(R)),Y); S=(Pt@P[R].T)@A
    taskof={c:i for i,cc in enumerate(T) for c in cc}
    fired=np.array([taskof[classes[k]] for k in S.argmax(1)])
    def acc(pred): return np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    out={'none':acc(np.array(classes)[S.argmax(1)])}
    for k,hs in heads.items():
        pred=[]
        for i,t in enumerate(fired):
            cls,B=hs[t]; sc=Pt[i]@B+np.array([S[i,cidx[c]] for c in cls]); pred.append(cls[int(sc.argmax())])
        out[k]=acc(np.array(pred))
    return out
if __name__=='__main__':
    for name in sys.argv[1].split(','):
        res=[run(name,s) for s in range(int(sys.argv[2]))]
        print(name,' '.join(f"{k} {np.mean([r[k] for r in res])*100:.2f}" for k in res[0]),flush=True)
