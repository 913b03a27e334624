# Tables, class-incremental ridge router (session 8): feature maps x ridge rules, 30-40 seeds per table, each seed
# redrawing the 80/20 split, the class order and the features (as exp9.py). Maps: sig (sigmoid, the default), relu,
# siglin (sigmoid features plus the transformed inputs), mix (half sigmoid, half relu / MIXSCALE). Rules: looW (the
# current leave-one-out walk), looacc (LOO argmax errors, squared error breaking ties), stack (the grid's readouts
# mixed by non-negative least squares on their LOO predictions), fixed (analytic's absolute ridge 1). JOINT=1 adds the
# joint fit (transform on all data). usage: exp10.py TABLE[,TABLE...] SEEDS MAP:RULE[,MAP:RULE...] [GRID]
import numpy as np, sys, os
from data import table, strat
from exp9 import transform, layer, sig, GRID, sequence, report, analytic, task_system
def feats(kind,Z,W,b):
    if kind=='sig': return sig(Z@W+b)
    if kind=='relu': return np.maximum(Z@W+b,0)
    if kind=='siglin': return np.hstack([sig(Z@W+b), Z])
    if kind=='mix':  # half sigmoid, half relu scaled by its first-task rms so both halves weigh alike under one ridge
        h=W.shape[1]//2; r=np.maximum(Z@W[:,h:]+b[h:],0); return np.hstack([sig(Z@W[:,:h]+b[:h]), r/MIXSCALE])
    raise ValueError(kind)
MIXSCALE=float(os.environ.get('MIXSCALE','2'))
def walk(g,prev,err_of,first_one_class,better):
    if first_one_class: return len(g)//2
    lo,hi=(0,len(g)-1) if prev is None or prev<g[0] or prev>g[-1] else (min(i for i in range(len(g)) if g[i]>=prev/10.5), max(i for i in range(len(g)) if g[i]<=prev*10.5))
    err={i:err_of(i) for i in range(hi,lo-1,-1)}
    best=min(sorted(err,reverse=True),key=lambda i:err[i])
    while best==hi and hi+1<len(g):
        hi+=1; err[hi]=err_of(hi)
        if err[hi]<=err[best]: best=hi
    while best==lo and lo>0:
        lo-=1; err[lo]=err_of(lo)
        if err[lo]<err[best]: best=lo
    return best
def run(name,seed,variants,grid):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    out={}
    W,b=layer(d,2500,np.random.default_rng(1000+seed))
    cache={}
    for v in variants:
        fk,rule=v.split(':')
        if fk not in cache: cache[fk]=(feats(fk,Z,W,b),feats(fk,Zt,W,b))
        P,Pt=cache[fk]
        rows=[]; prev=None; g=sorted(grid)
        for t,cls in enumerate(T):
            cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows)
            Y,Ys,Kk,diag,ci,ev,U,UtY=task_system(P,R,len(cur),ytr,cidx,K,T,t)
            def looL(r):
                f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
                return (Yh-h[:,None]*Ys[ci])/(1-h)[:,None]
            one=(t==0 and len(cls)==1)
            if rule=='fixed': rho=1.0/diag; A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y)
            elif rule in('looW','looacc'):
                if rule=='looW': e=lambda i: ((looL(g[i])-Ys[ci])**2).sum()
                else:
                    def e(i):
                        L=looL(g[i]); wrong=(L.argmax(1)!=Ys[ci].argmax(1)).sum(); return wrong+((L-Ys[ci])**2).sum()/(1e3*len(ci)*Ys.shape[1])
                best=walk(g,prev,e,one,None); rho=g[best]; A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y)
            elif rule=='stack':
                if one: rho=g[len(g)//2]; A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y)
                else:
                    Ls=[looL(r) for r in g]
                    # weights >= 0 summing to 1 minimising the stacked LOO squared error (projected gradient, small k)
                    M=np.array([L.ravel() for L in Ls]).T; yv=Ys[ci].ravel()
                    from scipy.optimize import nnls
                    w,_=nnls(M,yv); w=w/w.sum() if w.sum()>0 else np.ones(len(g))/len(g)
                    A=sum(w[k]*np.linalg.solve(Kk+g[k]*diag*np.eye(len(R)),Y) for k in range(len(g)) if w[k]>0)
                    rho=float(np.exp((w*np.log(g)).sum()))
            prev=rho
        S=(Pt@P[R].T)@A
        pred=np.array(classes)[S.argmax(1)]
        out[v]=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
    out['analytic'],W,b,Y=analytic(name,seed,Z,ytr,Zt,yte,classes,T)
    if os.environ.get('JOINT')=='1':
        X,y=table(name); Xtr,ytr2,Xte,yte2=strat(X,y,seed=seed); m,sd=transform(Xtr); Zj=(Xtr-m)/sd; Zjt=(Xte-m)/sd
        Pa=sig(Zj@W+b); Pat=sig(Zjt@W+b); A=np.linalg.solve(Pa@Pa.T+np.eye(len(ytr2)),Y); pred=np.array(classes)[((Pat@Pa.T)@A).argmax(1)]
        out['joint']=np.mean([(pred[np.isin(yte2,c)]==yte2[np.isin(yte2,c)]).mean() for c in T])
    return out
if __name__=='__main__':
    report(run)
