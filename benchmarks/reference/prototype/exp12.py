# Tables, session 10: the incremental LDA of exp11 ensembled with the ridge router, its weight W chosen from evidence
# gathered on EVERY task while that task's rows were present: after each task, the exact leave-one-out ridge scores
# and LDA posteriors of the task's rows (against every class seen so far) are scored for each W of the grid, and the
# counts are summed over the tasks (a few numbers kept per W; no old sample). cumacc: argmax errors (squared error
# breaks ties); cumsq: squared error of (ridge + W lda)/(1+W) against one-hot. ridge alone = the current rule.
# j-prefixed variants (jridge, jfix1) decide as the Java learner: the task by its best class score, the class by its
# per-task head plus the router (class.score=sum).
# usage: exp12.py TABLE[,TABLE...] SEEDS VARIANT[,VARIANT...]   VARIANT: ridge | lda | fixW | cumacc | cumsq | jridge | jfixW
import numpy as np, sys, os
from exp9 import layer, sig, GRID, sequence, report, analytic, task_system
from exp10 import walk
WS=[0,0.25,0.5,1,2]
SHRINK=float(os.environ.get('SHRINK','0.1'))
class Lda:
    """per class count, sum and sum of outer products of the transformed input"""
    def __init__(s,d): s.d=d; s.n={}; s.s={}; s.q={}
    def add(s,c,Z): s.n[c]=s.n.get(c,0)+len(Z); s.s[c]=s.s.get(c,0)+Z.sum(0); s.q[c]=s.q.get(c,0)+Z.T@Z
    def scatter(s,n,sm,q): return q-np.outer(sm,sm)/n
    def model(s,classes,drop=None):
        S=np.zeros((s.d,s.d)); N=0; mus=[]
        for c in classes:
            n,sm,q=s.n[c],s.s[c],s.q[c]
            if drop is not None and drop[0]==c: z=drop[1]; n,sm,q=n-1,sm-z,q-np.outer(z,z)
            S+=s.scatter(n,sm,q); N+=n; mus.append(sm/n)
        S/=max(1,N-len(classes)); t=np.trace(S)/s.d
        S=(1-SHRINK)*S+SHRINK*t*np.eye(s.d)+1e-9*np.eye(s.d); M=np.array(mus)
        Si=np.linalg.solve(S,M.T); return Si,0.5*(M*Si.T).sum(1)
    def post(s,Zt,classes,drop=None):
        Si,c0=s.model(classes,drop); dl=Zt@Si-c0; dl-=dl.max(1,keepdims=True); p=np.exp(dl); return p/p.sum(1,keepdims=True)
def run(name,seed,variants,grid):
    Z,ytr,Zt,yte,classes,T=sequence(name,seed); d=Z.shape[1]
    K=len(classes); cidx={c:i for i,c in enumerate(classes)}
    rng=np.random.default_rng(1000+seed); W,b=layer(d,2500,rng); P=sig(Z@W+b); Pt=sig(Zt@W+b)
    rows=[]; prev=None; g=sorted(grid); lda=Lda(d); heads=[]; acc=np.zeros(len(WS)); sq=np.zeros(len(WS)); seen=[]
    for t,cls in enumerate(T):
        cur=np.where(np.isin(ytr,cls))[0]; rows=rows+list(cur); R=np.array(rows); seen=seen+list(cls)
        for c in cls: lda.add(c,Z[ytr==c])
        Y,Ys,Kk,diag,ci,ev,U,UtY=task_system(P,R,len(cur),ytr,cidx,K,T,t)
        def looL(r):
            f=ev/(ev+r*diag); Yh=U[ci]@(f[:,None]*UtY); h=(U[ci]**2)@f
            return (Yh-h[:,None]*Ys[ci])/(1-h)[:,None]
        one=(t==0 and len(cls)==1)
        e=lambda i: ((looL(g[i])-Ys[ci])**2).sum()
        best=walk(g,prev,e,one,None); rho=g[best]; prev=rho
        Kc=P[cur]@P[cur].T; dc=np.trace(Kc)/P.shape[1]; Yc=np.zeros((len(cur),len(cls))); Yc[np.arange(len(cur)),[list(cls).index(v) for v in ytr[cur]]]=1
        heads.append((cls,(Pt@P[cur].T)@np.linalg.solve(Kc+rho*dc*np.eye(len(cur)),Yc)))
        if len(seen)>1:
            L=looL(rho); yy=Ys[ci].argmax(1)
            Pl=np.array([lda.post(Z[R[i]][None,:],seen,(ytr[R[i]],Z[R[i]]))[0] for i in ci])
            for k,w in enumerate(WS):
                E=L+w*Pl; acc[k]+=(E.argmax(1)!=yy).sum(); sq[k]+=((E/(1+w)-Ys[ci])**2).sum()
    A=np.linalg.solve(Kk+rho*diag*np.eye(len(R)),Y); S=(Pt@P[R].T)@A
    Sl=np.zeros_like(S); Sl[:,[cidx[c] for c in seen]]=lda.post(Zt,seen)
    out={}
    for v in variants:
        if v=='ridge': w=0
        elif v=='lda': w=None
        elif v.startswith('fix'): w=float(v[3:])
        elif v=='cumacc': w=WS[min(range(len(WS)),key=lambda k:(acc[k],sq[k]))]
        elif v=='cumsq': w=WS[int(np.argmin(sq))]
        if v.startswith('j'): v0=v[1:]
        else: v0=v
        if v0=='ridge': w=0
        elif v0.startswith('fix'): w=float(v0[3:])
        E=Sl if w is None else S+w*Sl
        pred=np.array(classes)[E.argmax(1)]
        if v.startswith('j'):
            ts=np.array([E[:,[cidx[c] for c in cls]].max(1) for cls,_ in heads]).T; tb=ts.argmax(1)
            pred=np.array([heads[t][0][int(np.argmax(heads[t][1][i]+E[i,[cidx[c] for c in heads[t][0]]]))] for i,t in enumerate(tb)])
        out[v]=np.mean([(pred[np.isin(yte,c)]==yte[np.isin(yte,c)]).mean() for c in T])
        if v.startswith('cum'): out[v+'_w']=w
    out['analytic'],_,_,_=analytic(name,seed,Z,ytr,Zt,yte,classes,T)
    return out
if __name__=='__main__':
    report(run)
